-- The lines each source repeats across its articles (corpus-level boilerplate), most repeated first.
with

repeated as (
    select source_key, line_text, article_count from repeated_lines
),

source_sizes as (
    select source_key, count(*) as source_article_count from article_source_keys group by source_key
),

final as (
    select
        repeated.source_key,
        repeated.line_text,
        repeated.article_count,
        source_sizes.source_article_count,
    from repeated
    inner join source_sizes using (source_key)
)

select * from final
order by article_count desc, source_key, line_text
