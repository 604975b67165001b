/**
 * AZ IDs (`use1-az1`) name the same physical zone in every account, unlike AZ names (`us-east-1a`),
 * which AWS shuffles per account. Placement is therefore configured by AZ ID.
 */

const DIRECTION_CODES: Record<string, string> = {
  east: "e",
  west: "w",
  north: "n",
  south: "s",
  central: "c",
  northeast: "ne",
  northwest: "nw",
  southeast: "se",
  southwest: "sw",
  gov: "g",
  iso: "i",
  isob: "ib",
};

/**
 * The prefix AWS uses for a region's AZ IDs: us-east-1 → use1, eu-west-1 → euw1,
 * ap-northeast-1 → apne1, us-gov-west-1 → usgw1.
 */
export function azIdPrefixForRegion(region: string): string {
  const parts = region.split("-");
  const number = parts.pop();
  if (parts.length < 2 || !number || !/^\d+$/.test(number)) {
    throw new Error(`"${region}" is not an AWS region name like us-east-1`);
  }
  const [area, ...words] = parts;
  const codes = words.map((word) => {
    const code = DIRECTION_CODES[word];
    if (!code) {
      throw new Error(`"${region}" is not an AWS region name like us-east-1 (unknown part "${word}")`);
    }
    return code;
  });
  return `${area}${codes.join("")}${number}`;
}

const AZ_ID_PATTERN = /^([a-z]+\d+)-az(\d+)$/;

/** True when `azId` is an AZ ID of `region` (e.g. use1-az4 of us-east-1). */
export function isAzIdOfRegion(azId: string, region: string): boolean {
  const match = AZ_ID_PATTERN.exec(azId);
  return match !== null && match[1] === azIdPrefixForRegion(region);
}

export function isWellFormedAzId(azId: string): boolean {
  return AZ_ID_PATTERN.test(azId);
}
