-- Every quality flag is one transforms.quality.QUALITY_FLAGS defines.
with

flags as (
    select article_id, unnest(quality_flags) as quality_flag from articles
),

final as (
    select
        article_id,
        quality_flag,
    from flags
    where quality_flag not in ('too_short', 'mostly_non_letters', 'heavy_repetition', 'truncated_start')
)

select * from final
