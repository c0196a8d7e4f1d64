def test_handle():
    assert 1
