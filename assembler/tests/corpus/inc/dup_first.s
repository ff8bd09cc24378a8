; Defines `helper` before err_duplicate_across_files.s does.
helper:
    ret
