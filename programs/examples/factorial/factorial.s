; factorial: n! for n = 0..12, computed recursively.
;
; Emits one record per n with tag TAG_FACT: [n, n!]. Then checks 12! and halts.

.const TAG_FACT = 1
.const LAST = 12
.const FACT_12 = 479001600

main:
    push 0              ; n
.loop:
    dup                 ; n n
    dup                 ; n n n
    call fact           ; n n n!
    push TAG_FACT       ; n n n! tag
    emit 2              ; n              log [n, n!]
    addi 1              ; n+1
    dup
    push LAST + 1
    lt                  ; n+1 < LAST+1 ?
    jnz .loop
    drop
    push LAST
    call fact
    pushw FACT_12       ; does not fit a 24-bit literal
    eq
    assert 1            ; fault code 1 if 12! is wrong
    halt

; fact ( n -- n! ): 1 for n <= 1, else n * fact(n - 1).
fact:
    dup
    push 1
    le
    jz .recurse
    drop
    push 1
    ret
.recurse:
    dup
    addi -1
    call fact
    mul
    ret
