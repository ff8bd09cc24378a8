; Operators, precedence (C-like) and literals.
    push 1 + 2 * 3     ; expect: 0x10000007
    push (1 + 2) * 3   ; expect: 0x10000009
    push 7 / 2         ; expect: 0x10000003
    push -7 / 2        ; expect: 0x10fffffd
    push -7 % 2        ; expect: 0x10ffffff
    push 1 << 4 | 1    ; expect: 0x10000011
    push 0xff & ~0x0f  ; expect: 0x100000f0
    push 6 ^ 3         ; expect: 0x10000005
    push -16 >> 2      ; expect: 0x10fffffc
    push 0b1010        ; expect: 0x1000000a
    push 'A'           ; expect: 0x10000041
    push '\n'          ; expect: 0x1000000a
    push 1_000         ; expect: 0x100003e8
    push - -5          ; expect: 0x10000005
    push 2 + 3 << 1    ; expect: 0x1000000a
    push 3 | 5         ; expect: 0x10000007
    push 1 << 63 >> 62 ; expect: 0x10fffffe
    push 5 >> 0        ; expect: 0x10000005
