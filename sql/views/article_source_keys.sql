-- The source an article's corpus-level boilerplate is counted in: the outlet the input names, else the host of
-- its url, else the folder the input file lies in (a scraper usually writes one site to one folder).
create or replace view article_source_keys as
with

articles as (
    select article_id, source_uri, outlet, url from articles
),

final as (
    select
        article_id,
        coalesce(
            'outlet:' || nullif(lower(trim(outlet)), ''),
            'host:' || nullif(regexp_extract(lower(url), '^[a-z][a-z0-9+.-]*://(?:[^/@]*@)?(?:www\.)?([^/:?#]+)', 1), ''),
            'folder:' || regexp_extract(split_part(source_uri, '#row=', 1), '^(.*)/[^/]*$', 1)
        ) as source_key,
    from articles
)

select * from final
