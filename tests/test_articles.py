"""The source articles: the index, an article's paragraphs as HTML, and the site's icon."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, FactFactory

pytestmark = pytest.mark.django_db

BODY = (
    "US Secretary of State Hillary Clinton met Russia's foreign minister on Friday.\n\n"
    "No major decisions were expected from the dinner with Sergei Lavrov in Geneva.\n\n"
    "Clinton gave Lavrov a box with a red button marked “reset” & a gift."
)


def test_every_paragraph_of_an_article_is_a_paragraph_not_escaped_markup(client):
    article = ArticleFactory(slug="geneva", body=BODY)
    html = client.get(reverse("article-detail", kwargs={"slug": "geneva"})).content.decode()
    assert "<p>No major decisions were expected from the dinner with Sergei Lavrov" in html
    assert "&lt;p&gt;" not in html
    # The text itself is still escaped: an ampersand in the article is text, not markup.
    assert "marked “reset” &amp; a gift.</p>" in html
    assert article.title in html


def test_the_quoted_sentence_is_marked_and_the_other_paragraphs_stay_paragraphs(client):
    article = ArticleFactory(slug="geneva", body=BODY)
    fact = FactFactory(
        article=article,
        key="dinner",
        sentence="No major decisions were expected from the dinner with Sergei Lavrov in Geneva.",
        answer="Sergei Lavrov",
    )
    url = reverse("article-detail", kwargs={"slug": "geneva"})
    html = client.get(f"{url}?fact={fact.key}").content.decode()
    assert f'<p><mark id="fact">{fact.sentence}</mark></p>' in html
    assert "<p>US Secretary of State Hillary Clinton met" in html
    assert "&lt;p&gt;" not in html


def test_the_article_index_lists_every_article_with_a_link(client, django_assert_max_num_queries):
    ArticleFactory(slug="geneva", title="Clinton hopes to repair ties", body=BODY)
    ArticleFactory(slug="reuters", title="Clinton and Lavrov hail new approach")
    with django_assert_max_num_queries(3):
        response = client.get("/articles/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/articles/geneva/"' in html and 'href="/articles/reuters/"' in html
    assert "Clinton hopes to repair ties" in html


def test_the_navigation_links_to_the_article_index(client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("article-list")}"' in html


def test_favicon_ico_answers_with_an_icon_and_pages_link_one(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert b"\x89PNG" in body  # with PNG images inside
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/icons/favicon.svg"' in html
    assert 'rel="icon" href="/favicon.ico"' in html
