// The bytes CSV is made of, and tests of eight bytes at a time, shared by the parser (`CSVReader`)
// and the row-end scanner (`RowEndScanner`).

let quote = UInt8(ascii: "\"")
let comma = UInt8(ascii: ",")
let lf = UInt8(ascii: "\n")
let cr = UInt8(ascii: "\r")
/// Each byte of a word set to one of them, to find it with `zeroBytes(word ^ …)`.
let quotes: UInt64 = 0x2222_2222_2222_2222
let commas: UInt64 = 0x2C2C_2C2C_2C2C_2C2C
let lfs: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
let crs: UInt64 = 0x0D0D_0D0D_0D0D_0D0D

/// Nonzero exactly when a byte of `x` is zero, with the high bit set in the lowest such byte
/// (bytes above it may be marked wrongly: borrows run upward). Enough to find the first.
@inline(__always)
func zeroBytes(_ x: UInt64) -> UInt64 {
    (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
}

/// The high bit set in every byte of `x` that is zero, and in no other: per byte, (b & 0x7F) +
/// 0x7F sets the high bit unless b & 0x7F == 0, and OR with b catches b == 0x80. For counting.
@inline(__always)
func everyZeroByte(_ x: UInt64) -> UInt64 {
    ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
}
