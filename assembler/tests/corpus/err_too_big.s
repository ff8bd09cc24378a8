main:
    halt
.data
    .space 0xffffff
    .word 1
    .word 2           ; error@5: the .data section grows past 16777216 words
