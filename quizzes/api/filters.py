"""List filters. Many-valued joins are filtered through subqueries so rows never repeat."""

import django_filters

from quizzes.models import Fact, FactKind, Question, QuestionKind, Quiz, QuizQuestion


class QuizFilter(django_filters.FilterSet):
    article = django_filters.CharFilter(
        method="filter_article", help_text="Slug of an article one of its questions comes from."
    )
    tag = django_filters.CharFilter(method="filter_tag", help_text="Slug of one of its tags.")

    class Meta:
        model = Quiz
        fields = ["article", "tag"]

    def filter_article(self, queryset, name, value):
        return queryset.filter(
            pk__in=QuizQuestion.objects.filter(question__fact__article__slug=value).values("quiz")
        )

    def filter_tag(self, queryset, name, value):
        return queryset.filter(
            pk__in=Quiz.tags.through.objects.filter(tag__slug=value).values("quiz")
        )


class QuestionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=QuestionKind.choices)
    article = django_filters.CharFilter(
        field_name="fact__article__slug", help_text="Slug of the article of its fact."
    )
    tag = django_filters.CharFilter(method="filter_tag", help_text="Slug of one of its tags.")

    class Meta:
        model = Question
        fields = ["kind", "article", "tag"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(
            pk__in=Question.tags.through.objects.filter(tag__slug=value).values("question")
        )


class FactFilter(django_filters.FilterSet):
    article = django_filters.CharFilter(field_name="article__slug", help_text="Article slug.")
    kind = django_filters.ChoiceFilter(choices=FactKind.choices)

    class Meta:
        model = Fact
        fields = ["article", "kind"]
