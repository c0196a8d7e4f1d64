pub fn start() -> u32 {
    42
}
