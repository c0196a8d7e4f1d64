pub fn start() -> u32 {
    41
}
