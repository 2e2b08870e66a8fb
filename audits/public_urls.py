"""The public certificate check (no login): mounted at /verify/ by the project's URLs, without a
namespace, so that QR codes and links read `verify_search` and `verify_certificate`."""

from django.urls import path

from audits.views import complaints, public

urlpatterns = [
    path("", public.verify_search, name="verify_search"),
    # Before the certificate's page, which would take "file" for a number.
    path("file/", public.verify_file_page, name="verify_file"),
    path("<str:number>/", public.verify_certificate, name="verify_certificate"),
    path("<str:number>/complaint/", complaints.complaint_public_page, name="verify_complaint"),
]
