"""Evidence from a deployed site (`privacylint URL`): the crawl (crawl.py) fetches it with one
bounded GET per URL (fetch.py) into a temporary folder that reads as a build (fetched.py), the
engine checks that folder as it checks any build, and findings are put back at their URLs
(at_urls.py)."""
