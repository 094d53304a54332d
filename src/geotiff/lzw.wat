;; TIFF LZW decoding (MSB-first codes of 9 to 12 bits, Clear 256, end 257, the code width growing one
;; code early), compiled to dist/geotiff/lzw.wasm by environment/wasm.mjs and driven by lzw.ts.
;;
;; Memory: bytes 0..16383 hold the start (an address in this memory) of each code's string,
;; 16384..32767 its length (codes 0..255 have length 1, set by lzw.ts). Every string of the table is
;; a run of bytes already written: a new code is the previous string plus one byte, which sits right
;; after it in the output. The caller puts the input at `in` with 4 zero bytes after it (codes are read
;; 3 bytes at a time) and leaves 8 spare bytes after the output (strings are copied 8 bytes at a time:
;; each 8-byte read takes its first bytes from the wholly written source, whatever follows it).
;;
;; Returns the bytes written, at most `expected`; -1 for a string code right after a Clear code, -2 for
;; a code not yet defined; `bad` then holds the code.
;;
;; `sum16` and `sum32` undo predictor 2 (horizontal differencing) in place on `rows` rows of `count`
;; little-endian samples, one sample per pixel: the running sum of a row stays in a register.
(module
  (memory (export "memory") 1)
  (global $bad (export "bad") (mut i32) (i32.const 0))
  (func (export "decode") (param $in i32) (param $inLength i32) (param $out i32) (param $expected i32) (result i32)
    (local $bit i32) (local $bitEnd i32) (local $width i32) (local $mask i32) (local $next i32)
    (local $previous i32) (local $previousStart i32) (local $at i32) (local $outEnd i32) (local $code i32)
    (local $p i32) (local $from i32) (local $n i32) (local $start i32) (local $k i32)
    (local.set $bitEnd (i32.shl (local.get $inLength) (i32.const 3)))
    (local.set $width (i32.const 9))
    (local.set $mask (i32.const 511))
    (local.set $next (i32.const 258))
    (local.set $previous (i32.const -1))
    (local.set $at (local.get $out))
    (local.set $outEnd (i32.add (local.get $out) (local.get $expected)))
    (block $done
      (loop $codes
        (br_if $done (i32.ge_u (local.get $at) (local.get $outEnd)))
        ;; the stream ends without an end code
        (br_if $done (i32.gt_u (i32.add (local.get $bit) (local.get $width)) (local.get $bitEnd)))
        ;; the code: `width` bits from bit `bit`, within the 24 bits of the 3 bytes it starts in
        (local.set $p (i32.add (local.get $in) (i32.shr_u (local.get $bit) (i32.const 3))))
        (local.set $code
          (i32.and
            (i32.shr_u
              (i32.or
                (i32.or
                  (i32.shl (i32.load8_u (local.get $p)) (i32.const 16))
                  (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 8)))
                (i32.load8_u offset=2 (local.get $p)))
              (i32.sub (i32.sub (i32.const 24) (i32.and (local.get $bit) (i32.const 7))) (local.get $width)))
            (local.get $mask)))
        (local.set $bit (i32.add (local.get $bit) (local.get $width)))
        (local.set $start (local.get $at))
        (if (i32.lt_u (local.get $code) (i32.const 256))
          (then
            (i32.store8 (local.get $at) (local.get $code))
            (local.set $at (i32.add (local.get $at) (i32.const 1))))
          (else
            (br_if $done (i32.eq (local.get $code) (i32.const 257)))
            (if (i32.eq (local.get $code) (i32.const 256))
              (then
                (local.set $next (i32.const 258))
                (local.set $width (i32.const 9))
                (local.set $mask (i32.const 511))
                (local.set $previous (i32.const -1))
                (br $codes)))
            (if (i32.lt_s (local.get $previous) (i32.const 0))
              (then (global.set $bad (local.get $code)) (return (i32.const -1))))
            (if (i32.lt_u (local.get $code) (local.get $next))
              (then
                ;; a defined string: copy its earlier occurrence
                (local.set $from (i32.load (i32.shl (local.get $code) (i32.const 2))))
                (local.set $n (i32.load offset=16384 (i32.shl (local.get $code) (i32.const 2)))))
              (else
                ;; the KwKwK case: the previous string, then its own first byte
                (if (i32.ne (local.get $code) (local.get $next))
                  (then (global.set $bad (local.get $code)) (return (i32.const -2))))
                (local.set $from (local.get $previousStart))
                (local.set $n (i32.load offset=16384 (i32.shl (local.get $previous) (i32.const 2))))))
            (if (i32.gt_u (local.get $n) (i32.sub (local.get $outEnd) (local.get $at)))
              (then (local.set $n (i32.sub (local.get $outEnd) (local.get $at)))))
            (local.set $k (i32.const 0))
            (loop $copy
              (i64.store (i32.add (local.get $at) (local.get $k)) (i64.load (i32.add (local.get $from) (local.get $k))))
              (local.set $k (i32.add (local.get $k) (i32.const 8)))
              (br_if $copy (i32.lt_u (local.get $k) (local.get $n))))
            (local.set $at (i32.add (local.get $at) (local.get $n)))
            (if (i32.and (i32.eq (local.get $code) (local.get $next)) (i32.lt_u (local.get $at) (local.get $outEnd)))
              (then
                (i32.store8 (local.get $at) (i32.load8_u (local.get $from)))
                (local.set $at (i32.add (local.get $at) (i32.const 1)))))))
        ;; the new code: the previous string and the first byte of this one
        (if (i32.and (i32.ge_s (local.get $previous) (i32.const 0)) (i32.lt_u (local.get $next) (i32.const 4096)))
          (then
            (i32.store (i32.shl (local.get $next) (i32.const 2)) (local.get $previousStart))
            (i32.store offset=16384 (i32.shl (local.get $next) (i32.const 2))
              (i32.add (i32.load offset=16384 (i32.shl (local.get $previous) (i32.const 2))) (i32.const 1)))
            (local.set $next (i32.add (local.get $next) (i32.const 1)))))
        (if (i32.and (i32.gt_u (i32.add (local.get $next) (i32.const 1)) (local.get $mask)) (i32.lt_u (local.get $width) (i32.const 12)))
          (then
            (local.set $width (i32.add (local.get $width) (i32.const 1)))
            (local.set $mask (i32.or (i32.shl (local.get $mask) (i32.const 1)) (i32.const 1)))))
        (local.set $previous (local.get $code))
        (local.set $previousStart (local.get $start))
        (br $codes)))
    (i32.sub (local.get $at) (local.get $out)))
  (func (export "sum32") (param $at i32) (param $count i32) (param $rows i32)
    (local $p i32) (local $end i32) (local $acc i32) (local $row i32)
    (local.set $row (i32.const 0))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $p (i32.add (local.get $at) (i32.shl (i32.mul (local.get $row) (local.get $count)) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $count) (i32.const 2))))
        (local.set $acc (i32.load (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (block $rowDone
          (loop $samples
            (br_if $rowDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $p))))
            (i32.store (local.get $p) (local.get $acc))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $samples)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $eachRow))))
  (func (export "sum16") (param $at i32) (param $count i32) (param $rows i32)
    (local $p i32) (local $end i32) (local $acc i32) (local $row i32)
    (local.set $row (i32.const 0))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $p (i32.add (local.get $at) (i32.shl (i32.mul (local.get $row) (local.get $count)) (i32.const 1))))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $count) (i32.const 1))))
        (local.set $acc (i32.load16_u (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (block $rowDone
          (loop $samples
            (br_if $rowDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $acc (i32.add (local.get $acc) (i32.load16_u (local.get $p))))
            (i32.store16 (local.get $p) (local.get $acc))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (br $samples)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $eachRow)))))
