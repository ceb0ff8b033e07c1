package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
)

func main() {
	fd := 3
	if s := os.Getenv("LISTEN_FDS_START"); s != "" {
		fd, _ = strconv.Atoi(s)
	}
	l, err := net.FileListener(os.NewFile(uintptr(fd), "listener"))
	if err != nil {
		fmt.Println("listener:", err)
		os.Exit(1)
	}
	fmt.Println("go server on fd", fd)
	n := 0
	http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		fmt.Fprintf(w, "hello from go %s #%d\n", r.URL.Path, n)
	}))
}
