; A file that imports its own name (meaning a library file of that name)
; gets an error rather than silently importing itself.
.import "err_self_import.s"   ; error@9: imports itself
main:
    halt
