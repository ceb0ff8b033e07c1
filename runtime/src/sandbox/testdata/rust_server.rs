// rust_server: a Rust std HTTP server on the pre-opened listening socket (fd 3 + mounts, from
// LISTEN_FDS_START), the way `TcpListener::from_raw_fd(3)` guests are written.
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::wasi::io::FromRawFd;

fn main() {
    let fd: i32 = std::env::var("LISTEN_FDS_START").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let listener = unsafe { TcpListener::from_raw_fd(fd) };
    println!("rust server listening on fd {}", fd);
    let mut n = 0u64;
    for stream in listener.incoming() {
        let mut s = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("accept: {}", e);
                continue;
            }
        };
        let mut buf = [0u8; 4096];
        let mut req = Vec::new();
        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(k) => req.extend_from_slice(&buf[..k]),
            }
        }
        n += 1;
        let body = format!("hello from rust #{}\n", n);
        let resp = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            body.len(),
            body
        );
        let _ = s.write_all(resp.as_bytes());
    }
}
