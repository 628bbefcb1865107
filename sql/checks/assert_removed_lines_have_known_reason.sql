-- Every removed line carries one of the reason codes the cleaning rules define.
with

removed_lines as (
    select article_id, line_no, reason from removed_lines
),

final as (
    select
        article_id,
        line_no,
        reason,
    from removed_lines
    where reason not in (
        'related_headline', 'source_credit', 'social_follow', 'share_prompt', 'newsletter_promo', 'photo_credit'
    )
)

select * from final
