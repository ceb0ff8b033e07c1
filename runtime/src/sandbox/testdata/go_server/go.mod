module goserver

go 1.23
