main:
    push 1
    frobnicate 3      ; error@5: unknown mnemonic or macro `frobnicate`
    halt
