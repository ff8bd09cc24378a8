main:
    push 0x800000     ; error@10: out of range for push
    push -0x800001    ; error@10: out of range for push
    jmp -1            ; error@9: out of range for jmp
    emit 0x1000000    ; error@10: out of range for emit
    pushw 0x100000000 ; error@11: out of range for pushw
    push 99999999999999999999 ; error@10: is too large
    halt
.data
    .word 0x100000000 ; error@11: does not fit in a 32-bit word
