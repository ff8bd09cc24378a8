; Definitions included by ok_include.s.
.const TEN = 10
.macro inc1
    addi 1
.endm
