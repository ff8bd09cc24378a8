    push              ; error@5: `push` needs an operand
    add 1             ; error@9: `add` takes no operand
    push 1, 2         ; error@13: `push` takes one operand
    push "s"          ; error@10: takes an expression, not a string
    halt
