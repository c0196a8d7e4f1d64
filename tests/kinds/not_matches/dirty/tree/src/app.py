def main():
    # TODO: config
    # FIXME: errors
    breakpoint()
