main:
    .string "x"       ; error@5: only allowed in the `.data` section
    halt
end:                  ; error@1: past the end of the code
.data
    add               ; error@5: instruction `add` in the `.data` section
