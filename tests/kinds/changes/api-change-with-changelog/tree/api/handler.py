def handle():
    return 204
