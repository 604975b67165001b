import { expect } from "chai";
import { CursorCodec, InvalidCursorError } from "../../services/trading-api/src/cursor";

const A = "a".repeat(32);
const B = "b".repeat(32);

function flip(token: string, index: number): string {
  const c = token[index];
  return token.slice(0, index) + (c === "A" ? "B" : "A") + token.slice(index + 1);
}

describe("pagination cursors", () => {
  const codec = new CursorCodec([A]);
  const state = { pk: "ACCT#a1", sk: "ORDER#01ARZ3NDEKTSV4RRFFQ69G5FAV" };

  it("round-trips the state for the same query", () => {
    expect(codec.open("orders", "a1|*", codec.seal("orders", "a1|*", state))).to.deep.equal(state);
  });

  it("is opaque: the token is not the state in clear text", () => {
    expect(codec.seal("orders", "a1|*", state)).to.not.include("ORDER#");
  });

  it("rejects any edited byte of the payload or the signature", () => {
    const token = codec.seal("orders", "a1|*", state);
    for (const index of [0, 5, token.indexOf(".") - 1, token.indexOf(".") + 1, token.length - 2]) {
      expect(() => codec.open("orders", "a1|*", flip(token, index)), `byte ${index}`).to.throw(InvalidCursorError);
    }
  });

  it("accepts only the spelling it issued: no other encoding of the same signature bytes", () => {
    const token = codec.seal("orders", "a1|*", state);
    const [payload, signature] = token.split(".");
    const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 32 bytes in 43 characters: the last one carries 4 bits and 2 unused ones, so four characters
    // decode to the same bytes. Only the one with the unused bits zero is the cursor.
    const last = ALPHABET.indexOf(signature[42]);
    const sameBytes = [1, 2, 3].map((unused) => `${payload}.${signature.slice(0, 42)}${ALPHABET[last | unused]}`).filter((t) => t !== token);
    const respellings = [
      ...sameBytes,
      `${payload}.${signature}=`, // padding
      `${payload}.${signature.replace(/-/g, "+").replace(/_/g, "/")}`, // standard base64 alphabet
      `${payload}.${signature.slice(0, 20)} ${signature.slice(20)}`, // a space Buffer.from would skip
      // A character whose low byte is the original's (U+0100 + code): equal only if compared as latin1.
      `${payload}.${String.fromCharCode(0x100 + signature.charCodeAt(0))}${signature.slice(1)}`,
    ].filter((t) => t !== token);
    expect(respellings.length).to.be.greaterThan(3);
    for (const variant of respellings) {
      expect(() => codec.open("orders", "a1|*", variant), variant).to.throw(InvalidCursorError);
    }
    expect(codec.open("orders", "a1|*", token)).to.deep.equal(state);
  });

  it("rejects a payload re-signed with another key (a forged cursor)", () => {
    const forged = new CursorCodec([B]).seal("orders", "a1|*", { pk: "ACCT#victim", sk: "ORDER#" });
    expect(() => codec.open("orders", "a1|*", forged)).to.throw(InvalidCursorError, /signature mismatch/);
  });

  it("rejects a valid cursor used for another account, filter or endpoint", () => {
    const token = codec.seal("orders", "a1|*", state);
    expect(() => codec.open("orders", "a2|*", token)).to.throw(InvalidCursorError, /different query/);
    expect(() => codec.open("orders", "a1|open", token)).to.throw(InvalidCursorError, /different query/);
    expect(() => codec.open("open-orders", "a1|*", token)).to.throw(InvalidCursorError, /different query/);
  });

  it("rejects malformed and oversized tokens", () => {
    for (const token of ["", "abc", "a.b.c", ".x", "x".repeat(5000)]) {
      expect(() => codec.open("orders", "a1|*", token), token.slice(0, 10)).to.throw(InvalidCursorError);
    }
  });

  it("accepts cursors signed with the previous key during rotation, and signs with the current one", () => {
    const old = new CursorCodec([A]).seal("orders", "a1|*", state);
    const rotated = new CursorCodec([B, A]);
    expect(rotated.open("orders", "a1|*", old)).to.deep.equal(state);
    const fresh = rotated.seal("orders", "a1|*", state);
    expect(() => new CursorCodec([A]).open("orders", "a1|*", fresh)).to.throw(InvalidCursorError);
  });
});
