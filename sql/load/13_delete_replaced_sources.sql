delete from article_sources
using replaced_sources
where article_sources.source_uri = replaced_sources.source_uri
    and article_sources.input_hash = replaced_sources.input_hash
