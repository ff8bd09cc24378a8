main:
    push 1 # 2        ; error@12: unexpected character
    push 2
    push 12ab         ; error@10: bad number literal
    push '\q'         ; error@10: unknown escape sequence
    halt @            ; error@10: unexpected character
    nop
.data
    .string "abc      ; error@13: string literal without closing
    .word 0b102       ; error@11: is not a base-2 number
    .word 1
