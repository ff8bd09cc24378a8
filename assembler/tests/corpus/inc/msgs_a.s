; Message types shared with ok_msg.s.
.msg PING
.msg DATA = 0
