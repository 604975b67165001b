/**
 * The fake account's identity and geography: its account id, the prefix of its Cognito client
 * secrets, and each region's AZs with a shuffled name-to-ID map (so code that mixes AZ names and
 * AZ IDs up fails under the mock cloud as it would in another account).
 */

export const FAKE_ACCOUNT_ID = "123456789012";

/** Every fake Cognito app-client secret starts with this. */
export const FAKE_CLIENT_SECRET_PREFIX = "fake-cognito-client-secret-";

export interface FakeAz {
  name: string;
  id: string;
}

/**
 * AZ names map to AZ IDs differently in every account; this fake account's mapping is deliberately
 * not "a → az1", so code that confuses names with IDs fails here.
 */
export const FAKE_REGIONS: Record<string, FakeAz[]> = {
  "us-east-1": [
    { name: "us-east-1a", id: "use1-az4" },
    { name: "us-east-1b", id: "use1-az6" },
    { name: "us-east-1c", id: "use1-az1" },
    { name: "us-east-1d", id: "use1-az2" },
    { name: "us-east-1e", id: "use1-az3" },
    { name: "us-east-1f", id: "use1-az5" },
  ],
  "eu-west-1": [
    { name: "eu-west-1a", id: "euw1-az3" },
    { name: "eu-west-1b", id: "euw1-az1" },
    { name: "eu-west-1c", id: "euw1-az2" },
  ],
};

export function regionAzs(region: string): FakeAz[] {
  const azs = FAKE_REGIONS[region];
  if (!azs) {
    throw new Error(`mock cloud: no fake AZ table for region ${region}; add it to offline/cloud/fakeAws.ts`);
  }
  return azs;
}

export function azNameForId(region: string, azId: string): string {
  const az = regionAzs(region).find((a) => a.id === azId);
  if (!az) {
    throw new Error(`mock cloud: AZ ID ${azId} does not exist in ${region} (it has ${regionAzs(region).map((a) => a.id).join(", ")})`);
  }
  return az.name;
}

export function azIdForName(region: string, azName: string): string {
  const az = regionAzs(region).find((a) => a.name === azName);
  if (!az) {
    throw new Error(`mock cloud: AZ ${azName} does not exist in ${region}`);
  }
  return az.id;
}
