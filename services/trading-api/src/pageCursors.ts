/**
 * The page cursors of the list routes: the state each kind of cursor carries, and opening a signed
 * cursor back into it (a forged or stale one is a 400 naming the cursor).
 */
import { z } from "zod";
import { OPEN_ORDER_SHARDS } from "../../table/schema";
import { CursorCodec, InvalidCursorError } from "./cursor";
import { ValidationError } from "./errors";

export const listCursorState = z.strictObject({ pk: z.string(), sk: z.string() });
const shardPosition = z.union([
  z.literal("start"),
  z.literal("done"),
  z.strictObject({ openSk: z.string(), pk: z.string(), sk: z.string() }),
]);
export const openOrdersCursorState = z.array(shardPosition).length(OPEN_ORDER_SHARDS);

export function badCursor(reason: string): ValidationError {
  return new ValidationError([{ in: "query", field: "cursor", message: reason }]);
}

export function openCursor<S extends z.ZodType>(
  codec: CursorCodec,
  kind: string,
  binding: string,
  token: string,
  schema: S,
): z.output<S> {
  let state: unknown;
  try {
    state = codec.open(kind, binding, token);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw badCursor(error.message);
    throw error;
  }
  const parsed = schema.safeParse(state);
  // A correctly signed cursor of an older shape (after a deploy) is stale, not forged.
  if (!parsed.success) throw badCursor("is from an incompatible version; restart from the first page");
  return parsed.data;
}
