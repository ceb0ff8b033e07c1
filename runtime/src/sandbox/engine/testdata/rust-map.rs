// A Rust std guest (another toolchain than clang): HashMap, sorting, formatting, args, env, exit code.
use std::collections::HashMap;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100000);
    let mut m = HashMap::new();
    let mut x: u64 = 1;
    for i in 0..n { x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); *m.entry(x % 1000).or_insert(0u64) += i; }
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort();
    let s: String = format!("{:?}", &v[..3]);
    println!("rust n={} first={} env={:?}", n, s, std::env::var("WHO").ok());
    std::process::exit(if n == 5 { 5 } else { 0 });
}
