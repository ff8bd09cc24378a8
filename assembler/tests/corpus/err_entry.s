.entry nothere        ; error@8: undefined entry point `nothere`
.entry table          ; error@8: not a code label
main: halt
.data
table: .word 0
