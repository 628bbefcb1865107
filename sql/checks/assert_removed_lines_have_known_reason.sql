-- Every removed line carries one of the reason codes the cleaning rules define (transforms.boilerplate.REASON_CODES).
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
        'advertisement', 'author_bio', 'bare_url', 'comment_prompt', 'cookie_notice', 'copyright', 'embedded_box',
        'footer_block', 'media_promo', 'navigation', 'newsletter_promo', 'photo_credit', 'related_headline',
        'repeated_title', 'share_prompt', 'social_follow', 'source_credit', 'title'
    )
)

select * from final
