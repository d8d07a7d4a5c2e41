# Fine-tuning the toy MVCGC encoders (both streams) on the small labelled
# subset that the toy IMR pretexts are fine-tuned on
# (../toy/imr_r18-tiny-subset_1xb8-5gop-toy_synthetic-compressed.py): the
# first 6 of the 24 train clips of each class (48 clips), batch 8, the
# learning rate halved with the batch; the MVCGC row of
# tools/reproduce_toy_table3.sh. Otherwise as
# ./mvcgc-ft_r2plus1d-r18-tiny_1xb16-16x1x1-40e_toy_synthetic-rgb-mv.py.
_base_ = ['./mvcgc-ft_r2plus1d-r18-tiny_1xb16-16x1x1-40e_toy_synthetic-rgb-mv.py']

# train.txt lists 24 clips per class, class by class.
train_dataloader = dict(
    batch_size=8,
    dataset=dict(indices=[c * 24 + i for c in range(8) for i in range(6)]))
auto_scale_lr = dict(base_batch_size=8)
optim_wrapper = dict(optimizer=dict(lr=0.025))
