/**
 * The observability keys in the real stack files: a prod stack that would notify nobody, a topic
 * alarms cannot reach, or a malformed subscriber is refused before anything is registered.
 */
import { BadConfigCase, configKey, itRejectsEachBadConfig } from "../support/badConfig";

const CASES: BadConfigCase[] = [
  {
    title: "a prod stack with nobody to notify",
    stack: "prod-eu-west-1",
    overrides: { [configKey("alarmEmailAddresses")]: [] },
    message: "trading-platform:alarmEmailAddresses: a prod stack must notify someone: set alarmEmailAddresses, alarmHttpsEndpoints or alarmTopicArn",
  },
  {
    title: "an existing topic in another region",
    stack: "prod-us-east-1",
    overrides: { [configKey("alarmEmailAddresses")]: [], [configKey("alarmTopicArn")]: "arn:aws:sns:eu-west-1:123456789012:pager" },
    message: "trading-platform:alarmTopicArn: is in region eu-west-1, but CloudWatch alarm actions must name a topic of the alarm's own region (us-east-1)",
  },
  {
    title: "a webhook that is not HTTPS",
    stack: "dev",
    overrides: { [configKey("alarmHttpsEndpoints")]: ["http://hooks.example.com/alarms"] },
    message: 'trading-platform:alarmHttpsEndpoints[0]: "http://hooks.example.com/alarms" is not an https:// URL',
  },
  {
    title: "a threshold out of range",
    stack: "dev",
    overrides: { [configKey("alarmAlbTarget5xxPercent")]: 0 },
    message: "trading-platform:alarmAlbTarget5xxPercent: got 0; allowed 1–100",
  },
  {
    title: "a subscriber account that is not a 12-digit id",
    stack: "prod-us-east-1",
    overrides: { [configKey("alarmSubscriberAccountIds")]: ["acme-paging"] },
    message: 'trading-platform:alarmSubscriberAccountIds[0]: "acme-paging" is not an AWS account id (12 digits)',
  },
  {
    title: "the stack's own region as a replica region",
    stack: "prod-us-east-1",
    overrides: { [configKey("alarmReplicaRegions")]: ["us-east-1"] },
    message: "trading-platform:alarmReplicaRegions[0]: is this stack's own region",
  },
];

describe("observability config in the real stack files", function () {
  this.timeout(60_000);
  itRejectsEachBadConfig(CASES);
});
