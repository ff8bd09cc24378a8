; arith.s — small arithmetic routines shared by the examples.
; Part of the aether firmware standard library (docs/firmware.md).

.code
; factorial ( n -- n! ): iterative product, wrapping at 32 bits; 1 for n <= 1.
factorial:
    push 1
    swap                ; acc n
.loop:
    dup
    push 1
    le
    jnz .done
    dup
    rot
    mul
    swap
    addi -1
    jmp .loop
.done:
    drop
    ret
