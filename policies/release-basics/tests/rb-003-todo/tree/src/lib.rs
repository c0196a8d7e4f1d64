pub fn start() -> u32 {
    // TODO: read it from the config
    42
}
