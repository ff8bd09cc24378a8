; macros: Fibonacci numbers with variable and loop macros.
;
; Fills `fib` with the first N Fibonacci numbers, logging each with tag
; TAG_FIB, then sums the table, logs the sum with tag TAG_SUM, checks it
; (0+1+1+2+3+5+8+13+21+34 = 88) and halts.

.include "macros.inc"

.const N = 10
.const TAG_FIB = 3
.const TAG_SUM = 4
.const EXPECTED_SUM = 88

main:
    set a, 0
    set b, 1
    set sum, 0
    count_loop i, N, fib_step
    count_loop j, N, sum_step
    report TAG_SUM, sum
    get sum
    push EXPECTED_SUM
    eq
    assert 2                ; fault code 2 if the sum is wrong
    halt

; fib_step: fib[i] = a; log a; (a, b) = (b, a + b)
fib_step:
    get a
    get i
    push fib
    add
    store
    report TAG_FIB, a
    get a
    get b
    dup
    storei a
    add
    storei b
    ret

; add_to_stack var ( v -- ): var = var + v
.macro add_to_stack var
    get \var
    add
    storei \var
.endm

; sum_step: sum = sum + fib[j]
sum_step:
    get j
    push fib
    add
    load
    add_to_stack sum
    ret

.data
a: .word 0
b: .word 0
i: .word 0
j: .word 0
sum: .word 0
fib: .space N
