main:
    jmp nowhere       ; error@9: undefined symbol `nowhere`
    jz .missing       ; error@8: undefined symbol `main.missing`
    halt
