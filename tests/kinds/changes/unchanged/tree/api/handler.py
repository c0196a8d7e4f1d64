def handle():
    return 200
