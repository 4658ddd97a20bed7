import pytest


@pytest.mark.django_db
def test_uploaded_files_are_served_in_the_embedded_default(client, settings, tmp_path):
    (tmp_path / "hello.txt").write_text("hi")
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/media/hello.txt")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hi"
    # A path that climbs out of the media folder is refused.
    assert client.get("/media/../settings.py").status_code == 400
