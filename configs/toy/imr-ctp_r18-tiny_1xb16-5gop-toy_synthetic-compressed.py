# Toy self-supervised pretraining with CTP only (4-way: aligned / random /
# shuffle / shift), same data, network, optimiser and 30 epochs as
# imr-pmsp-ctp_r18-tiny_*. The CTP head averages AFTER its hidden layer
# (pool='hidden', see CTPHead): with the paper's pooled embedding
# (pool='before') 4-way CTP learnt much more slowly at this scale: 26.8 vs
# 50.2 % held-out after 30 epochs (README, Results).
# Fine-tune from it with imr_r18-tiny-pmsp-ctp-ft_*.py and
# --cfg-options load_from=<converted backbone>.
_base_ = ['./imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py']

model = dict(pmsp_head=None, ctp_head=dict(pool='hidden'))
default_hooks = dict(checkpoint=dict(save_best='ctp/acc', rule='greater'))
