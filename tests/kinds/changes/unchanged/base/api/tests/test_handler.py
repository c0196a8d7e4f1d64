def test_handle():
    assert True
