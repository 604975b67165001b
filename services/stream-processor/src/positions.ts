/**
 * Position arithmetic. Quantity x price can pass 2^53, so sums are BigInt and stored as decimal
 * strings; nothing here rounds.
 */
import { ENTITY } from "../../table/schema";
import { positionKey } from "../../table/keys";
import type { PositionItem, Side } from "../../table/items";

export interface FillForPosition {
  account: string;
  symbol: string;
  side: Side;
  quantity: number;
  price: number;
}

/** The position after `fill`; `current` undefined means the account's first fill in the symbol. */
export function applyFillToPosition(current: PositionItem | undefined, fill: FillForPosition, now: string): PositionItem {
  const quantity = BigInt(fill.quantity);
  const notional = quantity * BigInt(fill.price);
  let bought = BigInt(current?.boughtQuantity ?? "0");
  let sold = BigInt(current?.soldQuantity ?? "0");
  let boughtNotional = BigInt(current?.boughtNotional ?? "0");
  let soldNotional = BigInt(current?.soldNotional ?? "0");
  if (fill.side === "buy") {
    bought += quantity;
    boughtNotional += notional;
  } else {
    sold += quantity;
    soldNotional += notional;
  }
  return {
    ...positionKey(fill.account, fill.symbol),
    entity: ENTITY.position,
    account: fill.account,
    symbol: fill.symbol,
    netQuantity: (bought - sold).toString(),
    boughtQuantity: bought.toString(),
    soldQuantity: sold.toString(),
    boughtNotional: boughtNotional.toString(),
    soldNotional: soldNotional.toString(),
    fillCount: (current?.fillCount ?? 0) + 1,
    version: (current?.version ?? 0) + 1,
    updatedAt: now,
  };
}
