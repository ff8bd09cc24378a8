main:
    push 1 +          ; error@13: unexpected end of line
    push (2           ; error@12: unexpected end of line
    push 3 * * 4      ; error@14: unexpected `*`
    push 1 / 0        ; error@10: division by zero
    push 1 << 64      ; error@10: shift amount 64
    push 1 % 0        ; error@10: division by zero
    push 8 >> -1      ; error@10: shift amount -1
    halt
