main:
    bogus             ; error@5: unknown mnemonic
    push $$           ; error@11: unexpected `$`
    jmp missing       ; error@9: undefined symbol `missing`
    push 99999999     ; error@10: out of range
    add 1             ; error@9: takes no operand
    halt
