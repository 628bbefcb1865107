-- An article whose credited source was replaced while another input still holds it is credited to the first
-- remaining one in reading order (file, then row), as a fresh load would credit it.
update articles
set source_uri = recredited.source_uri
from (
    with

    touched as (
        select distinct article_id from replaced_sources
    ),

    remaining as (
        select
            article_sources.article_id,
            article_sources.source_uri,
            article_sources.input_uri,
            try_cast(nullif(split_part(article_sources.source_uri, '#row=', 2), '') as bigint) as row_no,
        from article_sources
        semi join touched using (article_id)
    ),

    first_remaining as (
        select
            article_id,
            first(source_uri order by input_uri, row_no nulls first) as source_uri,
        from remaining
        group by article_id
    ),

    final as (
        select first_remaining.*
        from first_remaining
        inner join articles using (article_id)
        anti join remaining
            on remaining.article_id = articles.article_id
            and remaining.source_uri = articles.source_uri
    )

    select * from final
) as recredited
where articles.article_id = recredited.article_id
