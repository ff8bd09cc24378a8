main:
    .string "x"       ; error@5: only allowed in the `.data` section
    halt
end:                  ; a label one past the last code word is fine
.data
    add               ; error@5: instruction `add` in the `.data` section
