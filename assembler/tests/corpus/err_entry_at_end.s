; A label may sit one past the last code word, but an entry point there has
; nothing to run.
.entry main
.entry end              ; error@8: entry point `end` is past the end of the code
main:
    halt
end:
