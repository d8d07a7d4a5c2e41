# From scratch on a small labelled subset of the synthetic train set: the
# first 6 of the 24 train clips of each class (48 clips). The baseline that
# fine-tuning from self-supervised pretraining
# (imr_r18-tiny-pmsp-ctp-ft_*.py, same subset and budget) is compared with.
_base_ = ['./imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py']

# train.txt lists 24 clips per class, class by class.
train_dataloader = dict(
    batch_size=8,
    dataset=dict(indices=[c * 24 + i for c in range(8) for i in range(6)]))
auto_scale_lr = dict(base_batch_size=8)
optim_wrapper = dict(optimizer=dict(lr=0.025))
