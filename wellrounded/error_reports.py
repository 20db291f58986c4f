from django.views.debug import SafeExceptionReporterFilter


class NoPostDataFilter(SafeExceptionReporterFilter):
    """Hide every POST parameter in error reports, not only those marked sensitive."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}
